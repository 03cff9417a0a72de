// Vant for the phone layout: styles, brand colours, locale following the UI language.
// Components are imported where they are used (`import { Button } from 'vant'`).
import { watch } from 'vue'
import 'vant/lib/index.css'
import { Locale } from 'vant'
import zhCN from 'vant/es/locale/lang/zh-CN.mjs'
import enUS from 'vant/es/locale/lang/en-US.mjs'
import { i18n } from '../i18n.js'
import './m.css'

watch(
  i18n.global.locale,
  (l) => (l === 'en' ? Locale.use('en-US', enUS) : Locale.use('zh-CN', zhCN)),
  { immediate: true },
)

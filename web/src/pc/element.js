// Element Plus for the PC layout: styles, brand colours, locale.
// Components are imported where they are used (`import { ElButton } from 'element-plus'`).
import { computed } from 'vue'
import 'element-plus/dist/index.css'
import zhCn from 'element-plus/es/locale/lang/zh-cn.mjs'
import en from 'element-plus/es/locale/lang/en.mjs'
import { i18n } from '../i18n.js'
import './pc.css'

export const elLocale = computed(() => (i18n.global.locale.value === 'en' ? en : zhCn))

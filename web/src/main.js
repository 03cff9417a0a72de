import { createApp, watch } from 'vue'
import App from './App.vue'
import { i18n, applyDocumentLocale } from './i18n.js'
import { router, updateTitle } from './router.js'
import './styles/base.css'

applyDocumentLocale()
watch(i18n.global.locale, () => updateTitle())

createApp(App).use(i18n).use(router).mount('#app')

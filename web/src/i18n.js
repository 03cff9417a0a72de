// Language of the UI: zh-CN by default, English available. The choice is kept in
// localStorage and sent to the server as Accept-Language (see api.js) so that
// server error messages come back in the same language.
import { createI18n } from 'vue-i18n'
import zhCN from './locales/zh-CN.js'
import en from './locales/en.js'

export const LOCALES = ['zh-CN', 'en']
const STORAGE_KEY = 'fincrm.lang'

function initialLocale() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (LOCALES.includes(saved)) return saved
  } catch { /* storage disabled */ }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function currentLocale() {
  return i18n.global.locale.value
}

export function setLocale(locale) {
  if (!LOCALES.includes(locale)) return
  i18n.global.locale.value = locale
  try { localStorage.setItem(STORAGE_KEY, locale) } catch { /* storage disabled */ }
  applyDocumentLocale()
}

export function applyDocumentLocale() {
  document.documentElement.lang = currentLocale()
}

export const t = (...args) => i18n.global.t(...args)

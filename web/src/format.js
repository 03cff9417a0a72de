// Formatting shared by pages: timestamps (Unix ms) in the UI language.
import { currentLocale } from './i18n.js'

export function formatTime(ms) {
  if (ms == null || ms === '') return ''
  const d = new Date(Number(ms))
  if (Number.isNaN(d.getTime())) return ''
  return new Intl.DateTimeFormat(currentLocale(), {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(d)
}

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

// Dates and times as the bank reads them: Asia/Shanghai, 24-hour clock, whatever
// the browser's own time zone (the server counts days and audit-log dates the same way).
const TZ = 'Asia/Shanghai'

const parts = (ms, withTime) => {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } : {}),
  })
  return Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]))
}

/** 2026-07-01 */
export function formatDate(ms) {
  if (ms === null || ms === undefined) return ''
  const p = parts(ms, false)
  return `${p.year}-${p.month}-${p.day}`
}

/** 2026-07-01 09:30:05 */
export function formatDateTime(ms) {
  if (ms === null || ms === undefined) return ''
  const p = parts(ms, true)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}

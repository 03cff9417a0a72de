// Which layout is shown: 'pc' (Element Plus) or 'phone' (Vant).
// Picked by screen width (< 768 px → phone) unless the user chose one with
// "switch to PC/phone version", which is remembered in localStorage.
import { ref } from 'vue'

export const PHONE_MAX_WIDTH = 768
const STORAGE_KEY = 'fincrm.layout'

function saved() {
  try {
    const v = localStorage.getItem(STORAGE_KEY)
    return v === 'pc' || v === 'phone' ? v : null
  } catch {
    return null
  }
}

function byWidth() {
  return window.innerWidth < PHONE_MAX_WIDTH ? 'phone' : 'pc'
}

export const layoutMode = ref(saved() || byWidth())

const listeners = new Set()
export function onLayoutChange(fn) {
  listeners.add(fn)
  return () => listeners.delete(fn)
}

function apply(mode) {
  if (mode === layoutMode.value) return
  layoutMode.value = mode
  for (const fn of listeners) fn(mode)
}

/** The user's explicit choice; remembered. */
export function setLayoutMode(mode) {
  try { localStorage.setItem(STORAGE_KEY, mode) } catch { /* storage disabled */ }
  apply(mode)
}

// Without an explicit choice, follow the window width (e.g. a tablet rotated).
let timer = null
window.addEventListener('resize', () => {
  clearTimeout(timer)
  timer = setTimeout(() => { if (!saved()) apply(byWidth()) }, 200)
})

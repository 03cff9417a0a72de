// The 360° view (CUS-10) shared by the PC and phone shells: the sections found in a
// folder, previous/next through the list the user came from, and the field helpers
// of the basic-info section.
//
// Navigation contract: the customer lists store, on every page load,
// sessionStorage['fincrm.customers.nav'] = {ids, params, page, size, total}. The
// shell moves inside `ids` and, at the edge of the page, fetches the neighbouring
// page with the same params and updates the stored object.
import api from './api.js'

export const NAV_KEY = 'fincrm.customers.nav'

/** Sections from an import.meta.glob(…, {eager: true}) result, sorted by `section.order`. */
export function sectionsOf(modules) {
  return Object.entries(modules)
    .map(([path, m]) => ({ key: path.replace(/^.*\/|\.vue$/g, ''), meta: m.section || {}, component: m.default }))
    .filter((s) => s.component && typeof s.meta.order === 'number')
    .sort((a, b) => a.meta.order - b.meta.order)
}

export function readNav() {
  try {
    const nav = JSON.parse(sessionStorage.getItem(NAV_KEY) || 'null')
    return nav && Array.isArray(nav.ids) ? nav : null
  } catch {
    return null
  }
}

function writeNav(nav) {
  try { sessionStorage.setItem(NAV_KEY, JSON.stringify(nav)) } catch { /* storage full or off */ }
}

/** {prev: bool, next: bool}: whether there is a neighbour of id in the stored list. */
export function navState(id) {
  const nav = readNav()
  const i = nav ? nav.ids.indexOf(Number(id)) : -1
  if (i < 0) return { prev: false, next: false, index: -1, total: 0 }
  const page = nav.page || 1
  const size = nav.size || nav.ids.length
  const pos = (page - 1) * size + i
  return { prev: pos > 0, next: pos + 1 < (nav.total ?? nav.ids.length), index: pos, total: nav.total ?? nav.ids.length }
}

/** The id before (dir -1) or after (dir +1) id, fetching the neighbouring page when needed; null when none. */
export async function neighbour(id, dir) {
  const nav = readNav()
  if (!nav) return null
  const i = nav.ids.indexOf(Number(id))
  if (i < 0) return null
  const j = i + dir
  if (j >= 0 && j < nav.ids.length) return nav.ids[j]
  const page = (nav.page || 1) + dir
  const size = nav.size || nav.ids.length
  if (page < 1 || (dir > 0 && (page - 1) * size >= (nav.total ?? 0))) return null
  const qs = new URLSearchParams({ ...(nav.params || {}), page: String(page), size: String(size) })
  const res = await api.get('/customers?' + qs.toString())
  const ids = (res.items || []).map((c) => c.id)
  if (!ids.length) return null
  writeNav({ ...nav, ids, page, size, total: res.total ?? nav.total })
  return dir > 0 ? ids[0] : ids[ids.length - 1]
}

// The basic-info fields in the order the forms show them.
export const BASIC_FIELDS = ['customer_no', 'name', 'kind', 'status', 'id_type', 'id_number', 'gender', 'birth_date',
  'mobile', 'address', 'occupation', 'employer', 'source']

/** The text a field value is shown as (codes through the locale, others as they are). */
export function fieldText(t, field, value) {
  if (value === null || value === undefined || value === '') return ''
  if (field === 'kind') return t('customers.kind.' + value)
  if (field === 'status') return t('customers.status.' + value)
  if (field === 'gender') return t('customerView.gender.' + value)
  return String(value)
}

/** Watch-list badge (CUS-15): 黑名单 / 灰名单. */
export function watchLabel(t, v) {
  return v ? t('customerView.watch.' + v) : ''
}

// The minimal customer list (CUS-1 seed; ORG-4 scope, ORG-6/AUTH-8 field rules applied
// by the server). Shared by the PC and phone pages: which columns the user's role
// may see and the labels of kind and status.
import { session } from './session.js'

export const LIST_FIELDS = ['customer_no', 'name', 'kind', 'status', 'mobile', 'id_number']

/** ORG-6: a field is shown unless the role hides it (the server leaves it out then). */
export function fieldVisible(field, rows = []) {
  const rule = session.user?.access?.fields?.[field]
  if (rule && rule.access === 'hidden') return false
  return rows.length === 0 || rows.some((r) => field in r)
}

export function isMasked(row, field) {
  return Array.isArray(row.masked) && row.masked.includes(field)
}

export function queryString(q, page, size) {
  const params = new URLSearchParams({ page: String(page), size: String(size) })
  if (q && q.trim()) params.set('q', q.trim())
  return params.toString()
}

// ---- the searched, filtered list (CUS-8, CUS-9) --------------------------------------

/** Columns the server may sort by (a masked one is refused: the page leaves it unsortable). */
export const SORTABLE = ['customer_no', 'name', 'kind', 'status', 'gender', 'birth_date', 'occupation', 'employer',
  'source', 'created_at', 'updated_at']

/**
 * The list's query parameters from the page's state: text values, `f` an array of
 * `field:op:value` conditions. Empty values are left out. Saved filters store exactly
 * this object (POST /api/v1/customer-filters).
 */
export function listParams(s) {
  const p = {}
  const put = (k, v) => { if (v !== undefined && v !== null && String(v).trim() !== '') p[k] = String(v).trim() }
  put('q', s.q)
  put('quick', s.quick)
  put('sort', s.sort)
  for (const k of ['status', 'kind', 'watch_list', 'missing_info', 'level']) put(k, s[k])
  if (Array.isArray(s.created) && s.created.length === 2) {
    put('created_from', s.created[0])
    put('created_to', s.created[1])
  }
  if (Array.isArray(s.tags) && s.tags.length) {
    p.tags = s.tags.join(',')
    p.tag_mode = s.tag_mode || 'all'
  }
  const f = (s.conds || []).filter((c) => c.field && c.op && (['empty', 'set'].includes(c.op) || String(c.value ?? '').trim()))
    .map((c) => `${c.field}:${c.op}:${['empty', 'set'].includes(c.op) ? '' : String(c.value).trim()}`)
  if (f.length) p.f = f
  return p
}

/** The filter-builder state of saved params (the inverse of listParams). */
export function paramsToFilters(p) {
  const s = {}
  for (const k of ['status', 'kind', 'watch_list', 'missing_info', 'level']) if (p[k]) s[k] = p[k]
  if (p.created_from && p.created_to) s.created = [p.created_from, p.created_to]
  if (p.tags) {
    s.tags = p.tags.split(',').map(Number)
    s.tag_mode = p.tag_mode || 'all'
  }
  const f = Array.isArray(p.f) ? p.f : p.f ? [p.f] : []
  s.conds = f.map((c) => {
    const [field, op, ...rest] = c.split(':')
    return { field, op, value: rest.join(':') }
  })
  return s
}

/** A query string of list params (`f` repeated). */
export function toQuery(params) {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) v.forEach((x) => u.append(k, x))
    else u.append(k, v)
  }
  return u.toString()
}

/**
 * The navigation contract (CUS-10): the 360° view reads it for previous/next.
 * params: the list query params without page (f, when present, is an array).
 */
export function storeNav(rows, params, page, size, total) {
  try {
    sessionStorage.setItem('fincrm.customers.nav', JSON.stringify({
      ids: rows.map((r) => r.id), params, page, size, total,
    }))
  } catch {
    // storage full or disabled: previous/next stay disabled
  }
}

/** A key customer's star colour (CUS-16): named colours or any CSS colour. */
export function starColor(c) {
  return { red: '#e5484d', orange: '#f76b15', yellow: '#ffc53d', green: '#30a46c', blue: '#0090ff', purple: '#8e4ec6' }[c] || c
}

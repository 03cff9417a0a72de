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

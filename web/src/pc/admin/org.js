// The org tree (ORG-1) on the client: GET /org/units answers a flat list ordered by
// path; the pages build the tree here. Level families: a unit's children are of a
// lower level of the same family (the server checks it too).
import { computed, ref } from 'vue'
import api from '../../api.js'

export const LEVEL_FAMILIES = [
  ['province', 'county', 'branch', 'outlet'],
  ['company', 'center', 'department', 'team'],
]

/** Levels a child of a unit of `level` may have; a new root (level null) starts a family. */
export function childLevels(level) {
  if (!level) return LEVEL_FAMILIES.map((f) => f[0])
  for (const family of LEVEL_FAMILIES) {
    const i = family.indexOf(level)
    if (i >= 0) return family.slice(i + 1)
  }
  return []
}

/** May a unit of `level` sit under a parent of `parentLevel`? */
export function levelFits(parentLevel, level) {
  return childLevels(parentLevel).includes(level)
}

/** Flat units → nested nodes {…unit, children[]}, siblings by sort_order then code. */
export function buildTree(units) {
  const byId = new Map(units.map((u) => [u.id, { ...u, children: [] }]))
  const roots = []
  for (const node of byId.values()) {
    const parent = node.parent_id != null ? byId.get(node.parent_id) : null
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const order = (a, b) => (a.sort_order ?? 0) - (b.sort_order ?? 0) || String(a.code).localeCompare(String(b.code))
  const sortAll = (nodes) => {
    nodes.sort(order)
    nodes.forEach((n) => sortAll(n.children))
  }
  sortAll(roots)
  return roots
}

/** Loads the units once per component; reload() after a change. */
export function useUnits() {
  const units = ref([])
  const loading = ref(false)
  const error = ref('')
  const tree = computed(() => buildTree(units.value))
  const byId = computed(() => new Map(units.value.map((u) => [u.id, u])))

  async function reload() {
    loading.value = true
    error.value = ''
    try {
      units.value = (await api.get('/org/units')).items || []
    } catch (e) {
      error.value = e.message
    } finally {
      loading.value = false
    }
  }

  return { units, tree, byId, loading, error, reload }
}

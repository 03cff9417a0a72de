// Related parties (CUS-14) and black/grey lists (CUS-15), shared by the PC and phone
// pages: the relation kinds in their groups, the labels of a link and of a party,
// and the ECharts option of the related-party graph.

// What the related party is to the customer, grouped as the add form offers them.
export const KIND_GROUPS = [
  { category: 'family', kinds: ['spouse', 'parent', 'child', 'sibling'] },
  { category: 'employment', kinds: ['employer', 'employee'] },
  { category: 'guarantee', kinds: ['guarantor', 'guaranteed'] },
  { category: 'shareholding', kinds: ['shareholder', 'holding'] },
]

export const hasPercent = (kind) => kind === 'shareholder' || kind === 'holding'

// ID types a person who is not a customer may have (codes as the server stores them).
export const ID_TYPES = ['resident_id', 'uscc', 'passport', 'hk_macao_permit', 'taiwan_permit', 'other']

export const CATEGORY_COLORS = {
  family: '#e8684a',
  employment: '#5b8ff9',
  guarantee: '#f6bd16',
  shareholding: '#5ad8a6',
}

/** 配偶 · 25.5% */
export function kindText(t, link) {
  const k = t('related.kind.' + link.kind)
  return link.percent != null ? `${k} · ${link.percent}%` : k
}

export function watchText(t, list) {
  return list ? t('watchlist.list.' + list) : ''
}

/** The ID type's name, or the code when it has none. */
export function idTypeText(t, code) {
  if (!code) return ''
  const key = 'related.idTypes.' + code
  const s = t(key)
  return s === key ? code : s
}

/**
 * The ECharts option of a network {root, nodes, edges} from GET …/related: a force
 * graph, nodes coloured by kind (root, customer, person, outside the scope) and
 * marked when on a list, edges coloured by category and labelled with the kind.
 */
export function graphOption(t, net, { compact = false } = {}) {
  const cats = [
    { name: t('related.graph.root'), itemStyle: { color: '#1a5cad' } },
    { name: t('related.graph.customer'), itemStyle: { color: '#4d8fe0' } },
    { name: t('related.graph.person'), itemStyle: { color: '#9aa4b2' } },
    { name: t('related.graph.stub'), itemStyle: { color: '#d0d4da' } },
  ]
  const catOf = (n) => (n.key === net.root ? 0 : !n.in_scope ? 3 : n.type === 'customer' ? 1 : 2)
  const nodes = net.nodes.map((n) => ({
    id: n.key,
    name: n.name + (n.watch_list ? ` [${watchText(t, n.watch_list)}]` : ''),
    category: catOf(n),
    symbolSize: n.key === net.root ? (compact ? 42 : 52) : n.type === 'customer' ? 34 : 28,
    value: n.id,
    itemStyle: n.watch_list ? { borderColor: n.watch_list === 'black' ? '#000' : '#8c8c8c', borderWidth: 4 } : undefined,
    label: { show: true, position: 'bottom', fontSize: 12,
      color: n.watch_list === 'black' ? '#c00' : n.watch_list === 'grey' ? '#8c6d00' : '#333' },
    raw: n,
  }))
  const links = net.edges.map((e) => ({
    source: e.source,
    target: e.target,
    value: e.kind,
    label: { show: !compact || net.edges.length <= 12, formatter: kindText(t, e), fontSize: 11 },
    lineStyle: { color: CATEGORY_COLORS[e.category] || '#999', width: 2, curveness: 0.1 },
  }))
  return {
    tooltip: {
      formatter: (p) => {
        if (p.dataType === 'edge') {
          const from = net.nodes.find((n) => n.key === p.data.source)?.name || ''
          const to = net.nodes.find((n) => n.key === p.data.target)?.name || ''
          return t('related.graph.edgeTip', { to, from, kind: p.data.label.formatter })
        }
        const n = p.data.raw
        const lines = [n.name]
        if (n.customer_no) lines.push(n.customer_no)
        if (!n.in_scope) lines.push(t('related.stubTip'))
        if (n.watch_list) lines.push(watchText(t, n.watch_list))
        return lines.map((s) => String(s).replace(/[<>&]/g, '')).join('<br>')
      },
    },
    legend: compact ? undefined : [{ data: cats.map((c) => c.name), bottom: 0 }],
    series: [{
      type: 'graph',
      layout: 'force',
      roam: true,
      draggable: true,
      categories: cats,
      data: nodes,
      links,
      edgeSymbol: ['none', 'arrow'],
      edgeSymbolSize: 8,
      force: { repulsion: compact ? 220 : 320, edgeLength: compact ? 90 : 130, gravity: 0.08 },
      emphasis: { focus: 'adjacency' },
    }],
  }
}

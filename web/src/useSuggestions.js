// Suggestions (MOB-2): sending one and listing one's own, shared by the PC and phone
// pages. Limits as on the server: title 1–100 characters, text 1–2000.
import { reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import api from './api.js'

export const KINDS = ['defect', 'improvement', 'need']
export const STATUSES = ['open', 'answered', 'closed']
export const TITLE_MAX = 100
export const BODY_MAX = 2000

export function useSuggestionForm(onSent) {
  const { t } = useI18n()
  const form = reactive({ kind: 'improvement', title: '', body: '' })
  const errors = reactive({ kind: '', title: '', body: '' })
  const busy = ref(false)
  const done = ref(false)
  const failure = ref('')

  function check() {
    const title = [...form.title.trim()].length
    const body = [...form.body.trim()].length
    errors.kind = KINDS.includes(form.kind) ? '' : t('suggestions.kindRequired')
    errors.title = title >= 1 && title <= TITLE_MAX ? '' : t('suggestions.titleRule')
    errors.body = body >= 1 && body <= BODY_MAX ? '' : t('suggestions.bodyRule')
    return !errors.kind && !errors.title && !errors.body
  }

  async function submit() {
    failure.value = ''
    done.value = false
    if (!check()) return false
    busy.value = true
    try {
      const s = await api.post('/suggestions', { kind: form.kind, title: form.title.trim(), body: form.body.trim() })
      form.title = ''
      form.body = ''
      done.value = true
      if (onSent) await onSent(s)
      return true
    } catch (e) {
      if (e.field && e.field in errors) errors[e.field] = e.message
      else failure.value = e.message
      return false
    } finally {
      busy.value = false
    }
  }

  return { form, errors, busy, done, failure, submit }
}

export function useMySuggestions() {
  const items = ref([])
  const total = ref(0)
  const loading = ref(false)
  const error = ref('')
  async function load() {
    loading.value = true
    error.value = ''
    try {
      const r = await api.get('/suggestions/mine?size=100')
      items.value = r.items
      total.value = r.total
    } catch (e) {
      error.value = e.message
    } finally {
      loading.value = false
    }
  }
  load()
  return { items, total, loading, error, load }
}

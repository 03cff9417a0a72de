// The Mine page's data (MOB-2) and editing one's own name and phone (AUTH-1), shared
// by the PC and phone pages. The browser checks the same rules as the server for a
// quick answer; the server's message is shown on the field it names.
import { reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import api from './api.js'
import { loadMe } from './session.js'

// AUTH-1: 1–50 characters without control characters.
export function nameOk(name) {
  const n = [...name.trim()].length
  return n >= 1 && n <= 50 && !/[\x00-\x1f\x7f-\x9f]/.test(name)
}

// Mainland mobile (13812345678) or landline with area code (0571-88886666, ext. -801).
export function phoneOk(phone) {
  const p = phone.trim()
  return p === '' || /^1[3-9]\d{9}$/.test(p) || /^0[1-9]\d{1,2}-?[1-9]\d{6,7}(-\d{1,6})?$/.test(p)
}

export function useMineSummary() {
  const summary = ref(null)
  const loading = ref(false)
  const error = ref('')
  async function load() {
    loading.value = true
    error.value = ''
    try {
      summary.value = await api.get('/me/summary')
    } catch (e) {
      error.value = e.message
    } finally {
      loading.value = false
    }
  }
  load()
  return { summary, loading, error, load }
}

export function useProfileEdit(summary) {
  const { t } = useI18n()
  const form = reactive({ display_name: '', phone: '' })
  const errors = reactive({ display_name: '', phone: '' })
  const busy = ref(false)
  const done = ref(false)
  const failure = ref('')

  function fill(s) {
    form.display_name = s?.display_name || ''
    form.phone = s?.phone || ''
  }

  function check() {
    errors.display_name = nameOk(form.display_name) ? '' : t('profile.nameRule')
    errors.phone = phoneOk(form.phone) ? '' : t('profile.phoneRule')
    return !errors.display_name && !errors.phone
  }

  async function submit() {
    failure.value = ''
    done.value = false
    if (!check()) return false
    busy.value = true
    try {
      summary.value = await api.patch('/me', { display_name: form.display_name.trim(), phone: form.phone.trim() })
      fill(summary.value)
      done.value = true
      await loadMe().catch(() => {}) // the name in the top bar and on the Mine tab
      return true
    } catch (e) {
      if (e.field === 'display_name') errors.display_name = e.message
      else if (e.field === 'phone') errors.phone = e.message
      else failure.value = e.message
      return false
    } finally {
      busy.value = false
    }
  }

  return { form, errors, busy, done, failure, fill, submit }
}

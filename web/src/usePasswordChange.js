// Changing one's own password (AUTH-1), shared by the PC and phone pages: the form,
// the same rule the server applies (checked first in the browser for a quick answer),
// and the server's answer mapped onto the field it names.
import { computed, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'
import api from './api.js'
import { session } from './session.js'
import { afterLoginTarget } from './router.js'

// AUTH-1: at least 8 characters, letters and digits; any printable character.
export function passwordRuleOk(pw) {
  return [...pw].length >= 8 && /[A-Za-z]/.test(pw) && /[0-9]/.test(pw) && !/[\x00-\x1f\x7f]/.test(pw)
}

export function usePasswordChange() {
  const { t } = useI18n()
  const form = reactive({ current: '', next: '', confirm: '' })
  const errors = reactive({ current: '', next: '', confirm: '' })
  const busy = ref(false)
  const done = ref(false)
  const failure = ref('')
  const router = useRouter()
  const route = useRoute()
  // AUTH-1: signed in with a one-time password; the router keeps the user here.
  const forced = computed(() => !!session.user?.must_change_password)

  function check() {
    errors.current = form.current ? '' : t('password.currentRequired')
    errors.next = !form.next ? t('password.newRequired') : passwordRuleOk(form.next) ? '' : t('password.rule')
    errors.confirm = form.confirm === form.next ? '' : t('password.mismatch')
    return !errors.current && !errors.next && !errors.confirm
  }

  async function submit() {
    failure.value = ''
    done.value = false
    if (!check()) return false
    busy.value = true
    try {
      await api.post('/auth/password', { current_password: form.current, new_password: form.next })
      form.current = form.next = form.confirm = ''
      done.value = true
      if (forced.value) {
        session.user.must_change_password = false
        await router.replace(afterLoginTarget(route))
      }
      return true
    } catch (e) {
      if (e.field === 'current_password') errors.current = e.message
      else if (e.field === 'new_password') errors.next = e.message
      else failure.value = e.message
      return false
    } finally {
      busy.value = false
    }
  }

  return { form, errors, busy, done, failure, forced, submit }
}

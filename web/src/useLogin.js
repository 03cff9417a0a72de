// Login form logic shared by the PC and the phone login pages.
import { reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { login, loginWithBiometrics } from './session.js'
import { afterLoginTarget } from './router.js'

export function useLogin() {
  const router = useRouter()
  const route = useRoute()
  const form = reactive({ username: '', password: '' })
  // Client-side errors are i18n keys (re-rendered on language switch);
  // server field errors are the server's message.
  const fieldErrors = reactive({ username: '', password: '' })
  const serverError = ref('')
  const submitting = ref(false)

  function validate() {
    fieldErrors.username = form.username.trim() ? '' : { key: 'login.usernameRequired' }
    fieldErrors.password = form.password ? '' : { key: 'login.passwordRequired' }
    return !fieldErrors.username && !fieldErrors.password
  }

  function clearField(name) {
    fieldErrors[name] = ''
  }

  async function submit() {
    serverError.value = ''
    if (!validate()) return
    submitting.value = true
    try {
      await login(form.username.trim(), form.password)
      await router.replace(afterLoginTarget(route))
    } catch (e) {
      if (e.field && e.field in fieldErrors) fieldErrors[e.field] = { text: e.message }
      else serverError.value = e.message
    } finally {
      submitting.value = false
    }
  }

  // AUTH-6: fingerprint or face instead of the password, for the user who switched
  // it on on this phone. A cancelled prompt is no error worth showing.
  async function submitBiometric(username, t) {
    serverError.value = ''
    submitting.value = true
    try {
      await loginWithBiometrics(username)
      await router.replace(afterLoginTarget(route))
    } catch (e) {
      if (e?.name === 'NotAllowedError' || e?.name === 'AbortError') serverError.value = t('security.cancelled')
      else serverError.value = e?.status !== undefined ? e.message : t('security.failed')
    } finally {
      submitting.value = false
    }
  }

  return { form, fieldErrors, serverError, submitting, submit, clearField, submitBiometric }
}

/** Text of a field error: {key} is translated, {text} shown as is. */
export function errorText(t, err) {
  if (!err) return ''
  return err.key ? t(err.key) : err.text
}

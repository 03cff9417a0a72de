// Login form logic shared by the PC and the phone login pages.
// AUTH-2: when the server says a captcha is needed (error.captcha_required), the
// form shows the image and an answer field; every failed attempt used the image up,
// so a new one is fetched after each. Lockout and rate-limit messages are the
// server's own.
import { reactive, ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import api from './api.js'
import { login, loginWithBiometrics } from './session.js'
import { afterLoginTarget } from './router.js'

export function useLogin() {
  const router = useRouter()
  const route = useRoute()
  const form = reactive({ username: '', password: '', captcha_answer: '' })
  // Client-side errors are i18n keys (re-rendered on language switch);
  // server field errors are the server's message.
  const fieldErrors = reactive({ username: '', password: '', captcha_answer: '' })
  const serverError = ref('')
  const submitting = ref(false)
  const captcha = reactive({ needed: false, id: '', image: '', loading: false })

  function validate() {
    fieldErrors.username = form.username.trim() ? '' : { key: 'login.usernameRequired' }
    fieldErrors.password = form.password ? '' : { key: 'login.passwordRequired' }
    fieldErrors.captcha_answer = !captcha.needed || form.captcha_answer.trim() ? '' : { key: 'login.captchaRequired' }
    return !fieldErrors.username && !fieldErrors.password && !fieldErrors.captcha_answer
  }

  function clearField(name) {
    fieldErrors[name] = ''
  }

  async function refreshCaptcha() {
    captcha.loading = true
    form.captcha_answer = ''
    try {
      const c = await api.get('/auth/captcha', { handle401: false })
      captcha.id = c.captcha_id
      captcha.image = c.image
    } catch (e) {
      serverError.value = e.message
    } finally {
      captcha.loading = false
    }
  }

  async function submit() {
    serverError.value = ''
    if (!validate()) return
    submitting.value = true
    try {
      const extra = captcha.needed ? { captcha_id: captcha.id, captcha_answer: form.captcha_answer.trim() } : {}
      await login(form.username.trim(), form.password, extra)
      await router.replace(afterLoginTarget(route))
    } catch (e) {
      if (e.field && e.field in fieldErrors) fieldErrors[e.field] = { text: e.message }
      else serverError.value = e.message
      if (e.captchaRequired) {
        captcha.needed = true
        await refreshCaptcha()
      } else if (captcha.needed && e.status !== 429) {
        await refreshCaptcha() // the answer was used up
      }
    } finally {
      submitting.value = false
    }
  }

  // AUTH-6: fingerprint or face instead of the password, for the user who switched
  // it on on this phone. A cancelled prompt is no error worth showing. Failed
  // assertions count like wrong passwords (AUTH-2): once the server says so, the
  // password form below asks for a captcha too.
  async function submitBiometric(username, t) {
    serverError.value = ''
    submitting.value = true
    try {
      await loginWithBiometrics(username)
      await router.replace(afterLoginTarget(route))
    } catch (e) {
      if (e?.name === 'NotAllowedError' || e?.name === 'AbortError') serverError.value = t('security.cancelled')
      else serverError.value = e?.status !== undefined ? e.message : t('security.failed')
      if (e?.captchaRequired && !captcha.needed) {
        captcha.needed = true
        await refreshCaptcha()
      }
    } finally {
      submitting.value = false
    }
  }

  return { form, fieldErrors, serverError, submitting, submit, clearField, captcha, refreshCaptcha, submitBiometric }
}

/** Text of a field error: {key} is translated, {text} shown as is. */
export function errorText(t, err) {
  if (!err) return ''
  return err.key ? t(err.key) : err.text
}

// AUTH-5 step-up confirmation, shared by the PC dialog (pc/StepUpDialog.vue) and
// the phone dialog (m/StepUpDialog.vue): when the server answers 403
// auth.step_up_required, api.js calls requestStepUp(); the mounted dialog asks for
// the password, POST /auth/step-up checks it, and api.js repeats the original
// request once. Cancelling gives the original error back to the caller.
import { reactive } from 'vue'
import api, { onStepUpRequired } from './api.js'

export const stepUp = reactive({
  visible: false,
  password: '',
  error: '',
  busy: false,
})

let pending = null // resolve(boolean) of the request waiting for the dialog

function finish(ok) {
  stepUp.visible = false
  stepUp.password = ''
  stepUp.error = ''
  const resolve = pending
  pending = null
  if (resolve) resolve(ok)
}

/** Opens the dialog; resolves true once the password was confirmed, false if cancelled. */
export function requestStepUp() {
  if (pending) pending(false) // one dialog at a time: an older request gives up
  return new Promise((resolve) => {
    pending = resolve
    stepUp.password = ''
    stepUp.error = ''
    stepUp.visible = true
  })
}

export async function confirmStepUp(t) {
  if (!stepUp.password) {
    stepUp.error = t('stepUp.passwordRequired')
    return
  }
  stepUp.busy = true
  stepUp.error = ''
  try {
    await api.post('/auth/step-up', { password: stepUp.password }, { stepUp: false })
    finish(true)
  } catch (e) {
    stepUp.error = e.message
    stepUp.password = ''
  } finally {
    stepUp.busy = false
  }
}

export function cancelStepUp() {
  finish(false)
}

/** For the dialogs: register the handler while one is mounted. */
export function useStepUp() {
  onStepUpRequired(requestStepUp)
  return { stepUp, confirmStepUp, cancelStepUp }
}

// GET /api/v1/version → { version, database } for the About pages.
import { ref } from 'vue'
import { api } from './api.js'

export const OPENAPI_URL = '/api/v1/openapi.json'

export function useVersion() {
  const info = ref(null)
  const error = ref('')
  const loading = ref(false)
  async function load() {
    loading.value = true
    error.value = ''
    try {
      info.value = await api.get('/version')
    } catch (e) {
      error.value = e.message
    } finally {
      loading.value = false
    }
  }
  load()
  return { info, error, loading, load }
}

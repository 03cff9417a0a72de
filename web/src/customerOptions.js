// The configured choices of the customer forms (CUS-1, CUS-2, CUS-4): ID types, sources
// and contact types from GET /customer-options, loaded once per page load and shared.
import { ref } from 'vue'
import api from './api.js'

const idTypes = ref([])
const sources = ref([])
const contactTypes = ref([])
const requiredFields = ref([])
let loading = null

export function loadCustomerOptions(force = false) {
  if (!loading || force) {
    loading = api.get('/customer-options').then((res) => {
      idTypes.value = res.id_types || []
      sources.value = res.sources || []
      contactTypes.value = res.contact_types || []
      requiredFields.value = res.required_fields || []
      return res
    }).catch((e) => {
      loading = null
      throw e
    })
  }
  return loading
}

export function useCustomerOptions() {
  loadCustomerOptions().catch(() => { /* the form shows codes then */ })
  const nameOf = (list, code, key = 'code') => list.value.find((x) => x[key] === code)?.name || code || ''
  return {
    idTypes, sources, contactTypes, requiredFields,
    idTypeName: (c) => nameOf(idTypes, c),
    sourceName: (c) => nameOf(sources, c),
    contactTypeName: (c) => nameOf(contactTypes, c),
  }
}

// useFieldErrors — puts a server error where the user will look for it
// (DESIGN §5: errors carry `field`): under the form item it names, or, when it
// names none of them, in an alert above the form.
//
//   const { fieldErrors, formError, apply, clear } = useFieldErrors(['username', 'phone'],
//                                                                  { home_unit_id: 'homeUnit' })
//   <el-form-item :error="fieldErrors.username">   <FormError :error="formError" />
import { reactive, ref } from 'vue'
import { errorText } from '../errors.js'

export function useFieldErrors(fields, aliases = {}) {
  const fieldErrors = reactive(Object.fromEntries(fields.map((f) => [f, ''])))
  const formError = ref(null) // the error object, for <FormError>

  function clear() {
    for (const f of fields) fieldErrors[f] = ''
    formError.value = null
  }

  /** Shows err; true when it landed on a field. */
  function apply(err) {
    clear()
    const f = err && err.field ? (aliases[err.field] ?? err.field) : null
    // A 5xx or a network failure is never the user's input.
    if (f && f in fieldErrors && err.status >= 400 && err.status < 500) {
      fieldErrors[f] = errorText(err)
      return true
    }
    formError.value = err
    return false
  }

  return { fieldErrors, formError, apply, clear }
}

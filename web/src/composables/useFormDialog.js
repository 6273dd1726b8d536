// useFormDialog — what every form in a dialog does around its own fields:
// a fresh form each time the dialog opens, server errors under their field
// (useFieldErrors), a busy flag while the request runs, and closing on success.
//
//   const open = defineModel({ type: Boolean, default: false })
//   const { formRef, saving, fieldErrors, formError, conflict, validate, save } =
//     useFormDialog(open, { fields: ['name'], aliases: { unit_id: 'unit' }, reset: () => Object.assign(form, empty()) })
//   async function submit() {
//     if (!(await validate())) return            // clears old errors, runs the el-form rules
//     await save(() => createUnit(body), (unit) => emit('created', unit))   // closes, then the callback
//   }
//   <FormDialog v-model="open" :error="formError" :saving="saving" …><el-form ref="formRef" …>
//
// refill() is what an open does (reset, clear errors and rule messages): call it
// when a fresh copy of the record arrives.  reload(ask) shows `reloading` while
// the page fetches a fresh copy (ask(resolve), e.g. emit('reload', resolve))
// after a 409 version_conflict, which `conflict` tells.
import { computed, ref, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { useFieldErrors } from './useFieldErrors.js'

export function useFormDialog(open, { fields = [], aliases = {}, reset = () => {} } = {}) {
  const { locale } = useI18n()
  const { fieldErrors, formError, apply, clear } = useFieldErrors(fields, aliases)
  const formRef = ref() // the <el-form>, when the dialog has rules
  const saving = ref(false)
  const reloading = ref(false)
  const conflict = computed(() => !!formError.value && formError.value.code === 'version_conflict')

  const clearRules = () => formRef.value && formRef.value.clearValidate()
  function refill() {
    reset()
    clear()
    clearRules()
  }
  watch(open, (o) => o && refill())
  // Rule messages were written in the old language: drop them, the next check rewrites them.
  watch(locale, clearRules)

  /** Clears the last errors; true when the form's rules pass (or it has none). */
  async function validate() {
    clear()
    return formRef.value ? formRef.value.validate().catch(() => false) : true
  }

  /** Runs request with the busy flag; on success closes the dialog and calls done(result), on failure shows the error. */
  async function save(request, done = () => {}) {
    saving.value = true
    try {
      const result = await request()
      open.value = false
      done(result)
    } catch (err) {
      apply(err)
    } finally {
      saving.value = false
    }
  }

  async function reload(ask) {
    reloading.value = true
    try {
      await new Promise((resolve) => ask(resolve))
      clear()
    } finally {
      reloading.value = false
    }
  }

  return { formRef, saving, reloading, fieldErrors, formError, conflict, clear, apply, refill, validate, save, reload }
}

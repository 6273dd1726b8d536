// Dispatch suggestions — English.  Spread into en.js; keys mirror suggest.zh-CN.js.
export default {
  suggest: {
    admin: {
      title: 'Dispatch suggestion models',
      lead: 'Trained per county on closed cases, suggesting the category and handling unit; hit rates are measured on the tenth of cases held out from training.',
      county: 'County',
      trainedAt: 'Trained at',
      never: 'not trained yet',
      cases: 'Train / held out',
      split: '{train} / {test} cases',
      categoryHit: 'Category hit rate top-1 / top-3',
      unitHit: 'Unit hit rate top-1 / top-3',
      trainMs: 'Training time',
      retrain: 'Retrain',
      training: 'Training…',
      retrained: 'The model of {county} was retrained',
      formula: 'hit rate = held-out cases whose suggestion (first, or among the first three) matches how they were handled / held-out cases. The dispatcher always decides.',
    },
    nav: 'Dispatch suggestions',
    category: 'Suggested category:',
    unit: 'Suggested unit:',
    hint: 'click to use; you decide',
  },
}

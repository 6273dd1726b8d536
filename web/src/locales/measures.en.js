// Measures — English. Spread into en.js; keys mirror measures.zh-CN.js one to one.
export default {
  measures: {
    nav: 'Measures',
    title: 'Measures',
    month: 'This month',
    quarter: 'This quarter',
    custom: 'Custom',
    period: 'period {from} to {to}',
    previous: 'previous {from} to {to}',
    name: 'Measure',
    value: 'Value',
    fraction: 'Numerator / denominator',
    formula: 'Formula',
    previousCol: 'Previous',
    now: 'now',
    hours: 'working hours',
    mediation: 'Dispute mediation',
    unit: 'Unit',
    children: 'Units below',
    reported: 'Reported',
    closed: 'Closed',
  },
}

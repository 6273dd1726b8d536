// Reports (views/ReportsView.vue) and the table export button (components/reports/ExportButton.vue).
export default {
  reports: {
    nav: 'Reports',
    title: 'Monthly reports',
    exportXlsx: 'Export to Excel',
    unit: 'Unit',
    period: 'Month',
    origin: 'Origin',
    status: 'Status',
    generatedAt: 'Generated',
    files: 'Download',
    generateThisMonth: 'Generate this month',
    generateMonth: 'Generate that month',
    requested: 'Generation started',
    working: 'Generating…',
    failed: 'Generation failed; try again',
    empty: 'No reports yet',
    hint: 'Each county and street gets last month’s report on the 1st of every month; you can also generate this month so far or an earlier month at any time.',
    origins: { schedule: 'Monthly schedule', request: 'On request' },
    statuses: { pending: 'Pending', running: 'Generating', done: 'Done', failed: 'Failed' },
  },
}

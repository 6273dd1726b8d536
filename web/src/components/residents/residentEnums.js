// Closed value lists of docs/api.md "Residents" (labels under residents.*).
export const RESIDENT_TYPES = ['registered', 'migrant', 'foreign']
export const EDUCATION = ['none', 'primary', 'junior_secondary', 'senior_secondary', 'college', 'bachelor', 'postgraduate']
export const MARITAL = ['single', 'married', 'divorced', 'widowed']

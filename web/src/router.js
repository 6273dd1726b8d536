// router.js — routes and the guard that keeps logged-out users on /login and
// users with must_change_password on /password.
import { createRouter, createWebHistory } from 'vue-router'
import { session, loadMe, hasPermission, forget } from './session.js'
import { setUnauthorizedHandler } from './api.js'
import { i18n } from './i18n.js'
import { safeRedirect } from './redirect.js'
import AppLayout from './layouts/AppLayout.vue'
import LoginView from './views/LoginView.vue'

const routes = [
  { path: '/login', name: 'login', component: LoginView, meta: { public: true, title: 'login.title' } },
  // What a door's QR code opens: no login, no app chrome (registrations, docs/api.md).
  {
    path: '/r/:token',
    name: 'register',
    component: () => import('./views/PublicRegisterView.vue'),
    meta: { public: true, title: 'register.title' },
  },
  // The resident's pages of the case loop: 随手拍 (logged in or not, ?qr= from a door's code) and tracking
  // by number + secret; no app chrome.
  {
    path: '/report',
    name: 'report',
    component: () => import('./views/ReportView.vue'),
    meta: { public: true, title: 'cases.report.title' },
  },
  {
    path: '/track',
    name: 'track',
    component: () => import('./views/TrackView.vue'),
    meta: { public: true, title: 'cases.track.title' },
  },
  // The command centre's wall screen (1920×1080): full screen, no menus.
  {
    path: '/command/wall',
    name: 'command-wall',
    component: () => import('./views/CommandView.vue'),
    meta: { title: 'command.wall', permission: 'dashboard.read' },
  },
  // A legal-service counter's queue screen in the hall: full screen, no menus, refreshing itself.
  {
    path: '/legal/screen/:id(\\d+)',
    name: 'legal-screen',
    component: () => import('./views/LegalScreenView.vue'),
    meta: { title: 'legal.tabs.queue', permission: 'legal.serve' },
  },
  {
    path: '/password',
    name: 'password',
    component: () => import('./views/PasswordView.vue'),
    meta: { title: 'password.title' },
  },
  {
    path: '/',
    component: AppLayout,
    children: [
      { path: '', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: 'nav.home' } },
      {
        path: 'units/:id(\\d+)?',
        name: 'units',
        component: () => import('./views/UnitsView.vue'),
        meta: { title: 'nav.units', permission: 'unit.read' },
      },
      {
        path: 'command',
        name: 'command',
        component: () => import('./views/CommandView.vue'),
        meta: { title: 'command.title', permission: 'dashboard.read' },
      },
      // Grid map, places and people (issue 5).
      {
        path: 'map',
        name: 'grid-map',
        component: () => import('./views/GridMapView.vue'),
        meta: { title: 'nav.gridMap', permission: 'unit.read' },
      },
      {
        path: 'grids/:id(\\d+)',
        name: 'grid',
        component: () => import('./views/GridView.vue'),
        meta: { title: 'grids.title', permission: 'unit.read' },
      },
      {
        path: 'buildings',
        name: 'buildings',
        component: () => import('./views/BuildingsView.vue'),
        meta: { title: 'nav.buildings', permission: 'place.read' },
      },
      {
        path: 'buildings/:id(\\d+)',
        name: 'building',
        component: () => import('./views/BuildingView.vue'),
        meta: { title: 'places.building.title', permission: 'place.read' },
      },
      {
        path: 'residents',
        name: 'residents',
        component: () => import('./views/ResidentsView.vue'),
        meta: { title: 'nav.residents', permission: 'resident.read' },
      },
      {
        path: 'residents/:id(\\d+)',
        name: 'resident',
        component: () => import('./views/ResidentDetailView.vue'),
        meta: { title: 'residents.detailTitle', permission: 'resident.read' },
      },
      // QR house codes and registrations through them.
      {
        path: 'registrations',
        name: 'registrations',
        component: () => import('./views/RegistrationsView.vue'),
        meta: { title: 'registrations.nav', permission: 'resident.read' },
      },
      {
        path: 'registrations/qr',
        name: 'qr-print',
        component: () => import('./views/QrPrintView.vue'),
        meta: { title: 'qr.nav', permission: 'place.write' },
      },
      // Bulk import and export of residents and houses.
      {
        path: 'transfer',
        name: 'transfer',
        component: () => import('./views/TransferView.vue'),
        meta: { title: 'transfer.title', permission: ['resident.read', 'place.read'] },
      },
      // Assessment (考核, docs/assessment.md): plans, a plan's tasks and ranking, a unit's scorecard.
      {
        path: 'assessment',
        name: 'assessment',
        component: () => import('./views/AssessmentView.vue'),
        meta: { title: 'assessment.title', permission: ['assess.manage', 'assess.score', 'dashboard.read'] },
      },
      {
        path: 'assessment/:id(\\d+)',
        name: 'assessment-plan',
        component: () => import('./views/AssessmentPlanView.vue'),
        meta: { title: 'assessment.title', permission: ['assess.manage', 'assess.score', 'dashboard.read'] },
      },
      {
        path: 'assessment/:id(\\d+)/units/:unitId(\\d+)',
        name: 'assessment-card',
        component: () => import('./views/AssessmentCardView.vue'),
        meta: { title: 'assessment.scorecard', permission: ['assess.manage', 'assess.score', 'dashboard.read'] },
      },
      // The matter category catalogue (事项分类) and its policies.
      {
        path: 'categories',
        name: 'categories',
        component: () => import('./views/CategoriesView.vue'),
        meta: { title: 'categories.title', permission: 'settings.manage' },
      },
      // 考核指标: the measures of a unit and its children (docs/measures.md)
      {
        path: 'measures',
        name: 'measures',
        component: () => import('./views/MeasuresView.vue'),
        meta: { title: 'measures.title', permission: 'dashboard.read' },
      },
      {
        path: 'accounts',
        name: 'accounts',
        component: () => import('./views/AccountsView.vue'),
        meta: { title: 'nav.accounts', permission: 'account.read' },
      },
      {
        path: 'accounts/:id(\\d+)',
        name: 'account',
        component: () => import('./views/AccountDetailView.vue'),
        meta: { title: 'accounts.detailTitle', permission: 'account.read' },
      },
      {
        path: 'reports',
        name: 'reports',
        component: () => import('./views/ReportsView.vue'),
        meta: { title: 'reports.title', permission: 'dashboard.read' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('./views/AuditView.vue'),
        meta: { title: 'nav.audit', permission: 'audit.read' },
      },
      // Dispute mediation (docs/mediation.md): the desk, register and measures; one dispute; the roster.
      {
        path: 'mediation',
        name: 'mediation',
        component: () => import('./views/MediationView.vue'),
        meta: { title: 'mediation.title', permission: 'dispute.read' },
      },
      {
        path: 'disputes/:id(\\d+)',
        name: 'dispute',
        component: () => import('./views/DisputeView.vue'),
        meta: { title: 'mediation.title', permission: 'dispute.read' },
      },
      {
        path: 'mediators',
        name: 'mediators',
        component: () => import('./views/MediatorsView.vue'),
        meta: { title: 'mediation.navRoster', permission: 'dispute.read' },
      },
      // The governance centres (docs/centres.md): the one window, its matters, petitions.
      {
        path: 'centres/intake',
        name: 'centre-intake',
        component: () => import('./views/CentreIntakeView.vue'),
        meta: { title: 'centres.intake.title', permission: 'centre.intake' },
      },
      {
        path: 'centres/matters',
        name: 'centre-matters',
        component: () => import('./views/CentreMattersView.vue'),
        meta: { title: 'centres.matters.title', permission: ['centre.intake', 'dashboard.read'] },
      },
      {
        path: 'petitions',
        name: 'petitions',
        component: () => import('./views/PetitionsView.vue'),
        meta: { title: 'centres.petitions.title', permission: ['petition.read', 'centre.intake'] },
      },
      {
        // the desk that routed a matter to the petition office opens it too (the petitioner withheld)
        path: 'petitions/:id(\\d+)',
        name: 'petition',
        component: () => import('./views/PetitionView.vue'),
        meta: { title: 'centres.petitions.title', permission: ['petition.read', 'centre.intake', 'dispute.read'] },
      },
      {
        path: 'counselling',
        name: 'counselling',
        component: () => import('./views/CounsellingView.vue'),
        meta: { title: 'centres.counselling.title', permission: 'counsel.manage' },
      },
      {
        path: 'screening',
        name: 'screening',
        component: () => import('./views/ScreeningView.vue'),
        meta: { title: 'centres.screening.title', permission: ['case.report', 'dispute.read'] },
      },
      // Legal services (docs/centres.md): the counters' desk, and a resident's booking page.
      {
        path: 'legal',
        name: 'legal',
        component: () => import('./views/LegalView.vue'),
        meta: { title: 'legal.title', permission: 'legal.serve' },
      },
      {
        path: 'legal/book',
        name: 'legal-book',
        component: () => import('./views/LegalBookView.vue'),
        meta: { title: 'legal.book.title', permission: 'legal.book_own' },
      },
      {
        path: 'calendar',
        name: 'calendar',
        component: () => import('./views/CalendarView.vue'),
        meta: { title: 'calendar.title', permission: 'settings.manage' },
      },
      // The case loop (docs/cases.md): the workbench, one case, staff intake, a resident's own reports.
      {
        path: 'cases',
        name: 'cases',
        component: () => import('./views/CasesView.vue'),
        meta: { title: 'cases.title', permission: ['case.dispatch', 'case.handle', 'case.report'] },
      },
      {
        path: 'cases/new',
        name: 'case-new',
        component: () => import('./views/CaseIntakeView.vue'),
        meta: { title: 'cases.navIntake', permission: ['case.dispatch', 'case.report'] },
      },
      {
        // Staff and the reporter alike: the server answers 404 to anyone who may not see it.
        path: 'cases/:id(\\d+)',
        name: 'case',
        component: () => import('./views/CaseView.vue'),
        meta: { title: 'cases.detail.title' },
      },
      // 入户走访: the visit form (a household's or a house's, works offline) and the visits with coverage.
      {
        path: 'visits/new',
        name: 'visit-new',
        component: () => import('./views/VisitFormView.vue'),
        meta: { title: 'visits.form.title', permission: 'resident.write' },
      },
      {
        path: 'visits',
        name: 'visits',
        component: () => import('./views/VisitsView.vue'),
        meta: { title: 'visits.title', permission: 'resident.read' },
      },
      // The grid worker's phone home (the PWA's start_url): 我的网格, 我的任务, 上报, 随手办, 待发送.
      {
        path: 'field',
        name: 'field',
        component: () => import('./views/FieldView.vue'),
        meta: { title: 'offline.title', permission: 'case.report' },
      },
      {
        path: 'me/cases',
        name: 'my-cases',
        component: () => import('./views/MyCasesView.vue'),
        meta: { title: 'cases.mine.title', permission: 'case.report_own' },
      },
      {
        path: 'settings/suggest',
        name: 'suggest',
        component: () => import('./views/SuggestView.vue'),
        meta: { title: 'suggest.admin.title', permission: 'settings.manage' },
      },
      {
        path: 'settings/hotline-lines',
        name: 'hotline-lines',
        component: () => import('./views/HotlineLinesView.vue'),
        meta: { title: 'cases.lines.title', permission: 'settings.manage' },
      },
      {
        path: 'open311-keys',
        name: 'open311-keys',
        component: () => import('./views/Open311KeysView.vue'),
        meta: { title: 'open311.title', permission: 'settings.manage' },
      },
      {
        path: 'notifications',
        name: 'notifications',
        component: () => import('./views/NotificationsView.vue'),
        meta: { title: 'notifications.title' },
      },
      {
        path: 'webhooks',
        name: 'webhooks',
        component: () => import('./views/WebhooksView.vue'),
        meta: { title: 'webhooks.title', permission: 'settings.manage' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('./views/NotFoundView.vue'),
        meta: { title: 'notFound.title' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
})

router.beforeEach(async (to) => {
  if (!session.loaded) {
    try {
      await loadMe()
    } catch {
      // Server unreachable or failing: let public pages render (the login
      // page will show the error when the user tries); others go to login.
    }
  }
  const me = session.me

  if (to.meta.public) {
    // An already logged-in user opening /login goes where they meant to go.
    if (to.name === 'login' && me) return safeRedirect(to.query.redirect) || { name: 'home' }
    return true
  }
  if (!me) {
    const redirect = to.fullPath !== '/' ? to.fullPath : undefined
    return { name: 'login', query: redirect ? { redirect } : {} }
  }
  if (me.must_change_password && to.name !== 'password') return { name: 'password' }
  // A page the user may not use looks like one that does not exist.
  if (to.meta.permission && !hasPermission(to.meta.permission)) {
    return { name: 'not-found', params: { pathMatch: to.path.slice(1).split('/') } }
  }
  return true
})

router.afterEach((to) => {
  updateTitle(to)
})

/** Document title: "<page> - <product>", re-run when the language changes. */
export function updateTitle(route = router.currentRoute.value) {
  const { t } = i18n.global
  const page = route.meta && route.meta.title ? t(route.meta.title) : ''
  document.title = page ? `${page} - ${t('app.name')}` : t('app.name')
}

// Any API call that finds the session gone sends the user back to login,
// remembering where they were.
setUnauthorizedHandler(() => {
  forget()
  const cur = router.currentRoute.value
  if (cur.name === 'login') return
  router.replace({ name: 'login', query: cur.fullPath !== '/' ? { redirect: cur.fullPath } : {} })
})

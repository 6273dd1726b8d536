// menu.js — the left menu.  An item shows when the user holds its permission
// (any of them, for an array); the server enforces the same rule on the API.
// Pages added later append an entry here and a route in router.js.
import { House, User, Document, OfficeBuilding, MapLocation, UserFilled, School, Postcard, Files, Collection, Calendar, Tickets, Camera, Phone, Memo, Key, Connection, Grid, DataBoard, DataAnalysis, TrendCharts, ChatDotRound, Avatar , MagicStick, Trophy, Notebook } from '@element-plus/icons-vue'

export const menuItems = [
  { route: 'home', label: 'nav.home', icon: House },
  { route: 'command', label: 'command.nav', icon: DataBoard, permission: 'dashboard.read' },
  { route: 'field', label: 'offline.nav', icon: Grid, permission: 'case.report' },
  { route: 'cases', label: 'cases.nav', icon: Tickets, permission: ['case.dispatch', 'case.handle', 'case.report'] },
  { route: 'report', label: 'cases.navReport', icon: Camera, permission: 'case.report_own' },
  { route: 'my-cases', label: 'cases.navMine', icon: Memo, permission: 'case.report_own' },
  { route: 'measures', label: 'measures.nav', icon: TrendCharts, permission: 'dashboard.read' },
  { route: 'reports', label: 'reports.nav', icon: DataAnalysis, permission: 'dashboard.read' },
  { route: 'mediation', label: 'mediation.nav', icon: ChatDotRound, permission: 'dispute.read' },
  { route: 'mediators', label: 'mediation.navRoster', icon: Avatar, permission: 'dispute.read' },
  { route: 'assessment', label: 'assessment.nav', icon: Trophy, permission: ['assess.manage', 'assess.score', 'dashboard.read'] },
  { route: 'units', label: 'nav.units', icon: OfficeBuilding, permission: 'unit.read' },
  { route: 'grid-map', label: 'nav.gridMap', icon: MapLocation, permission: 'unit.read' },
  { route: 'buildings', label: 'nav.buildings', icon: School, permission: 'place.read' },
  { route: 'residents', label: 'nav.residents', icon: UserFilled, permission: 'resident.read' },
  { route: 'visits', label: 'visits.nav', icon: Notebook, permission: 'resident.read' },
  { route: 'registrations', label: 'registrations.nav', icon: Postcard, permission: 'resident.read' },
  { route: 'transfer', label: 'transfer.nav', icon: Files, permission: ['resident.read', 'place.read'] },
  { route: 'categories', label: 'categories.nav', icon: Collection, permission: 'settings.manage' },
  { route: 'accounts', label: 'nav.accounts', icon: User, permission: 'account.read' },
  { route: 'audit', label: 'nav.audit', icon: Document, permission: 'audit.read' },
  { route: 'suggest', label: 'suggest.nav', icon: MagicStick, permission: 'settings.manage' },
  { route: 'hotline-lines', label: 'cases.navHotline', icon: Phone, permission: 'settings.manage' },
  { route: 'calendar', label: 'calendar.nav', icon: Calendar, permission: 'settings.manage' },
  { route: 'open311-keys', label: 'open311.nav', icon: Key, permission: 'settings.manage' },
  { route: 'webhooks', label: 'webhooks.nav', icon: Connection, permission: 'settings.manage' },
]

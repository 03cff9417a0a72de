import { createRouter, createWebHistory } from 'vue-router'
import { session, loadMe, clearSession } from './session.js'
import { layoutMode, onLayoutChange } from './layout.js'
import { onUnauthenticated } from './api.js'
import { t } from './i18n.js'
import { allowed } from './menu.js'

const PcLayout = () => import('./pc/PcLayout.vue')
const MLayout = () => import('./m/MLayout.vue')

// Two route trees, one per layout. `twin` maps a page to the other layout's page
// when the user switches layout; pages without a twin map to that layout's home.
const routes = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { public: true, titleKey: 'login.heading' },
  },
  {
    path: '/',
    component: PcLayout,
    meta: { layout: 'pc' },
    children: [
      { path: '', name: 'root', redirect: () => homeOf(layoutMode.value) },
      { path: 'home', name: 'home', component: () => import('./pc/HomePage.vue'),
        meta: { titleKey: 'menu.home' } },
      { path: 'password', name: 'password', component: () => import('./pc/PasswordPage.vue'),
        meta: { titleKey: 'password.title', parentKey: 'menu.system', twin: '/m/password' } },
      { path: 'about', name: 'about', component: () => import('./pc/AboutPage.vue'),
        meta: { titleKey: 'menu.about', parentKey: 'menu.system', twin: '/m/about' } },
      { path: 'customers', name: 'customers', component: () => import('./pc/customers/CustomersPage.vue'),
        meta: { titleKey: 'menu.customerQuery', parentKey: 'menu.customersGroup', twin: '/m/customers',
          permission: 'customers.view' } },
      { path: 'customers/new', name: 'customer-new', component: () => import('./pc/customers/CustomerCreate.vue'),
        meta: { titleKey: 'menu.customerNew', parentKey: 'menu.customersGroup', twin: '/m/customers/new',
          permission: 'customers.create' } },
      { path: 'customers/groups', name: 'customer-groups', component: () => import('./pc/customers/GroupsPage.vue'),
        meta: { titleKey: 'menu.customerGroups', parentKey: 'menu.customersGroup', permission: 'customers.view' } },
      { path: 'customers/settings', name: 'customer-settings', component: () => import('./pc/customers/ClassifyConfigPage.vue'),
        meta: { titleKey: 'menu.customerSettings', parentKey: 'menu.customersGroup', permission: 'customers.settings' } },
      { path: 'customers/:id(\\d+)', name: 'customer-view', component: () => import('./pc/customers/CustomerView.vue'),
        meta: { titleKey: 'customerView.title', parentKey: 'menu.customersGroup', permission: 'customers.view' } },
      { path: 'customers/import', name: 'customer-import', component: () => import('./pc/customers/ImportPage.vue'),
        meta: { titleKey: 'customerIO.menu', parentKey: 'menu.customersGroup', permission: 'customers.import' } },
      { path: 'customers/:id(\\d+)/related', name: 'customer-related',
        component: () => import('./pc/customers/related/RelatedPage.vue'),
        meta: { titleKey: 'related.pageTitle', parentKey: 'menu.customersGroup', permission: 'customers.view' } },
      { path: 'customers/watchlist', name: 'customer-watchlist', component: () => import('./pc/customers/WatchlistPage.vue'),
        meta: { titleKey: 'menu.watchlist', parentKey: 'menu.customersGroup', twin: '/m/watchlist',
          permission: ['customers.watchlist', 'customers.view'] } },
      { path: 'admin/org', name: 'admin-org', component: () => import('./pc/admin/OrgPage.vue'),
        meta: { titleKey: 'menu.adminOrg', parentKey: 'menu.admin', permission: ['org.manage', 'users.view'] } },
      { path: 'admin/users', name: 'admin-users', component: () => import('./pc/admin/UsersPage.vue'),
        meta: { titleKey: 'menu.adminUsers', parentKey: 'menu.admin', permission: 'users.view' } },
      { path: 'admin/roles', name: 'admin-roles', component: () => import('./pc/admin/RolesPage.vue'),
        meta: { titleKey: 'menu.adminRoles', parentKey: 'menu.admin', permission: 'roles.manage' } },
      { path: 'admin/handovers', name: 'admin-handovers', component: () => import('./pc/admin/HandoversPage.vue'),
        meta: { titleKey: 'menu.adminHandovers', parentKey: 'menu.admin', permission: 'staff.handover' } },
      { path: 'profile', name: 'profile', component: () => import('./pc/ProfilePage.vue'),
        meta: { titleKey: 'menu.profile', parentKey: 'menu.system', twin: '/m/profile' } },
      { path: 'suggestions', name: 'suggestions', component: () => import('./pc/SuggestionsPage.vue'),
        meta: { titleKey: 'menu.suggestions', parentKey: 'menu.system', twin: '/m/suggestions' } },
      { path: 'admin/suggestions', name: 'admin-suggestions', component: () => import('./pc/admin/SuggestionsAdminPage.vue'),
        meta: { titleKey: 'menu.adminSuggestions', parentKey: 'menu.admin', permission: 'suggestions.manage' } },
      { path: 'admin/audit', name: 'admin-audit', component: () => import('./pc/admin/AuditPage.vue'),
        meta: { titleKey: 'menu.adminAudit', parentKey: 'menu.admin', permission: 'audit.view' } },
    ],
  },
  {
    path: '/m',
    component: MLayout,
    meta: { layout: 'phone' },
    children: [
      { path: '', redirect: '/m/alerts' },
      { path: 'alerts', name: 'm-alerts', component: () => import('./m/AlertsTab.vue'),
        meta: { titleKey: 'tabs.alerts', tab: true } },
      { path: 'services', name: 'm-services', component: () => import('./m/ServicesTab.vue'),
        meta: { titleKey: 'tabs.services', tab: true } },
      { path: 'mine', name: 'm-mine', component: () => import('./m/MineTab.vue'),
        meta: { titleKey: 'tabs.mine', tab: true } },
      { path: 'password', name: 'm-password', component: () => import('./m/PasswordPage.vue'),
        meta: { titleKey: 'password.title', twin: '/password', back: '/m/mine' } },
      { path: 'about', name: 'm-about', component: () => import('./m/AboutPage.vue'),
        meta: { titleKey: 'about.title', twin: '/about', back: '/m/services' } },
      { path: 'customers', name: 'm-customers', component: () => import('./m/CustomersPage.vue'),
        meta: { titleKey: 'menu.customerQuery', twin: '/customers', back: '/m/services',
          permission: 'customers.view' } },
      { path: 'customers/new', name: 'm-customer-new', component: () => import('./m/customers/CustomerCreate.vue'),
        meta: { titleKey: 'menu.customerNew', twin: '/customers/new', back: '/m/customers',
          permission: 'customers.create' } },
      { path: 'customers/:id(\\d+)', name: 'm-customer-view', component: () => import('./m/customers/CustomerView.vue'),
        meta: { titleKey: 'customerView.title', back: '/m/customers', permission: 'customers.view' } },
      { path: 'watchlist', name: 'm-watchlist', component: () => import('./m/WatchlistQueryPage.vue'),
        meta: { titleKey: 'services.watchlist', twin: '/customers/watchlist', back: '/m/services',
          permission: 'customers.view' } },
      { path: 'security', name: 'm-security', component: () => import('./m/SecurityPage.vue'),
        meta: { titleKey: 'security.title', back: '/m/mine' } },
      { path: 'profile', name: 'm-profile', component: () => import('./m/ProfilePage.vue'),
        meta: { titleKey: 'profile.title', twin: '/profile', back: '/m/mine' } },
      { path: 'suggestions', name: 'm-suggestions', component: () => import('./m/SuggestionsPage.vue'),
        meta: { titleKey: 'suggestions.title', twin: '/suggestions', back: '/m/mine' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: '/' },
]

export function homeOf(mode) {
  return mode === 'phone' ? '/m/alerts' : '/home'
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

function safeRedirect(target) {
  return typeof target === 'string' && target.startsWith('/') && !target.startsWith('//') &&
    !target.startsWith('/login') ? target : null
}

// ORG-3: a page whose `permission` the user's role lacks renders the 403 page in its
// layout (the address stays, so a reload after the role changes shows the page).
export function routeAllowed(route, user = session.user) {
  return allowed(route.meta, user)
}

// AUTH-1: a user holding a one-time password may only change it (and log out).
const PASSWORD_PAGES = new Set(['password', 'm-password'])
export function passwordPage(mode = layoutMode.value) {
  return mode === 'phone' ? '/m/password' : '/password'
}

export function afterLoginTarget(route) {
  return safeRedirect(route.query.redirect) || homeOf(layoutMode.value)
}

router.beforeEach(async (to) => {
  if (to.meta.public) {
    // Already signed in (e.g. a bookmark of /login)? Go straight on.
    if (to.name === 'login' && !session.user && !session.probed) {
      session.probed = true
      try { await loadMe() } catch { /* not signed in */ }
    }
    if (to.name === 'login' && session.user) return afterLoginTarget(to)
    return true
  }
  if (!session.user) {
    try {
      await loadMe()
    } catch {
      const query = to.fullPath !== '/' && !to.fullPath.startsWith('/home') && !to.fullPath.startsWith('/m/alerts')
        ? { redirect: to.fullPath } : {}
      return { name: 'login', query }
    }
  }
  const layout = to.matched.find((r) => r.meta.layout)?.meta.layout
  if (layout && layout !== layoutMode.value) {
    return to.meta.twin || homeOf(layoutMode.value)
  }
  if (session.user?.must_change_password && !PASSWORD_PAGES.has(to.name)) {
    return { path: passwordPage(), query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  return true
})

export function updateTitle(route = router.currentRoute.value) {
  const app = t('app.title')
  document.title = route.meta.titleKey && route.name !== 'login' ? `${t(route.meta.titleKey)} · ${app}` : app
}

router.afterEach((to) => updateTitle(to))

// Switching layout keeps the user on the same page where the other layout has it.
onLayoutChange((mode) => {
  const cur = router.currentRoute.value
  if (cur.meta.public) return
  const layout = cur.matched.find((r) => r.meta.layout)?.meta.layout
  if (layout && layout !== mode) router.replace(cur.meta.twin || homeOf(mode))
})

// A request found the session gone (expired, logged out elsewhere): back to login.
onUnauthenticated(() => {
  clearSession()
  const cur = router.currentRoute.value
  if (cur.name !== 'login') router.replace({ name: 'login', query: { redirect: cur.fullPath } })
})

// Navigation data. Modules add their entries here — and only once they exist.
//
// PC side menu: items with `path` are pages; items with `children` are groups.
// `icon` names an export of @element-plus/icons-vue (see pc/icons.js).
export const pcMenu = [
  { key: 'home', titleKey: 'menu.home', icon: 'House', path: '/home' },
  {
    key: 'customers',
    titleKey: 'menu.customersGroup',
    icon: 'UserFilled',
    children: [
      { key: 'customer-query', titleKey: 'menu.customerQuery', icon: 'Search', path: '/customers',
        permission: 'customers.view' },
      { key: 'customer-new', titleKey: 'menu.customerNew', icon: 'Plus', path: '/customers/new',
        permission: 'customers.create' },
      { key: 'customer-import', titleKey: 'customerIO.menu', icon: 'Upload', path: '/customers/import',
        permission: 'customers.import' },
      { key: 'customer-groups', titleKey: 'menu.customerGroups', icon: 'Collection', path: '/customers/groups',
        permission: 'customers.view' },
      { key: 'customer-settings', titleKey: 'menu.customerSettings', icon: 'PriceTag', path: '/customers/settings',
        permission: 'customers.settings' },
      { key: 'customer-watchlist', titleKey: 'menu.watchlist', icon: 'Document', path: '/customers/watchlist',
        permission: ['customers.watchlist', 'customers.view'] },
    ],
  },
  {
    key: 'admin',
    titleKey: 'menu.admin',
    icon: 'Tools',
    children: [
      { key: 'admin-org', titleKey: 'menu.adminOrg', icon: 'OfficeBuilding', path: '/admin/org',
        permission: ['org.manage', 'users.view'] },
      { key: 'admin-users', titleKey: 'menu.adminUsers', icon: 'User', path: '/admin/users',
        permission: 'users.view' },
      { key: 'admin-roles', titleKey: 'menu.adminRoles', icon: 'Key', path: '/admin/roles',
        permission: 'roles.manage' },
      { key: 'admin-handovers', titleKey: 'menu.adminHandovers', icon: 'Switch', path: '/admin/handovers',
        permission: 'staff.handover' },
      { key: 'admin-suggestions', titleKey: 'menu.adminSuggestions', icon: 'ChatLineSquare', path: '/admin/suggestions',
        permission: 'suggestions.manage' },
      { key: 'admin-audit', titleKey: 'menu.adminAudit', icon: 'Document', path: '/admin/audit',
        permission: 'audit.view' },
    ],
  },
  {
    key: 'system',
    titleKey: 'menu.system',
    icon: 'Setting',
    children: [
      { key: 'profile', titleKey: 'menu.profile', icon: 'User', path: '/profile' },
      { key: 'suggestions', titleKey: 'menu.suggestions', icon: 'ChatDotSquare', path: '/suggestions' },
      { key: 'password', titleKey: 'menu.password', icon: 'Lock', path: '/password' },
      { key: 'about', titleKey: 'menu.about', icon: 'InfoFilled', path: '/about' },
    ],
  },
]

// Phone "服务" grid. `icon` is a Vant icon name; `color` tints the tile.
export const phoneServices = [
  { key: 'customers', titleKey: 'services.customers', icon: 'friends-o', color: '#2f9e6f', path: '/m/customers',
    permission: 'customers.view' },
  { key: 'customer-new', titleKey: 'menu.customerNew', icon: 'add-o', color: '#e6a23c', path: '/m/customers/new',
    permission: 'customers.create' },
  { key: 'watchlist', titleKey: 'services.watchlist', icon: 'shield-o', color: '#c0392b', path: '/m/watchlist',
    permission: 'customers.view' },
  { key: 'about', titleKey: 'services.about', icon: 'info-o', color: '#1a5cad', path: '/m/about' },
]

// Phone bottom tabs (MOB-1): exactly these three.
export const phoneTabs = [
  { key: 'alerts', titleKey: 'tabs.alerts', icon: 'bell', path: '/m/alerts' },
  { key: 'services', titleKey: 'tabs.services', icon: 'apps-o', path: '/m/services' },
  { key: 'mine', titleKey: 'tabs.mine', icon: 'user-o', path: '/m/mine' },
]

// An entry may name a `permission` (ORG-3); it is shown only when the signed-in
// user's role holds it (user.access.permissions, from /auth/login and /auth/me).
// A list of permissions means any one of them.
export function can(user, permission) {
  const perms = user?.access?.permissions
  return Array.isArray(perms) && perms.includes(permission)
}

export function allowed(item, user) {
  return !item.permission || [].concat(item.permission).some((p) => can(user, p))
}

export function visibleMenu(items, user) {
  return items
    .filter((it) => allowed(it, user))
    .map((it) => (it.children ? { ...it, children: visibleMenu(it.children, user) } : it))
    .filter((it) => !it.children || it.children.length > 0)
}

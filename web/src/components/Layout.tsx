import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { GROUPS, allowed, href, routes } from '../routes';
import { session } from '../session';
import { applyTheme, effectiveTheme, storedTheme, type Theme } from '../theme';
import type { User } from '../api/types';

/** The frame of every signed-in page: header (menu button on phones, theme, user, sign out), nav by role, main. */
export function Layout({ user, children }: { user: User; children: ComponentChildren }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const [theme, setTheme] = useState<Theme>(storedTheme());
  const { path } = useLocation();
  useEffect(() => setMenuOpen(false), [path]);
  // "system" follows the OS: re-render when its colour scheme changes, so the toggle names the other one.
  const [, setSchemeTick] = useState(0);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const changed = () => setSchemeTick((n) => n + 1);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }, []);
  const next: Theme = effectiveTheme(theme) === 'dark' ? 'light' : 'dark';
  const visible = routes.filter((r) => r.nav !== false && allowed(r, user.role));
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <button
          type="button"
          class="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <a class="brand" href={href('/')}>
          MyMONIT
        </a>
        <div class="topbar-end">
          <button
            type="button"
            class="theme-toggle"
            aria-label={`Switch to ${next} theme`}
            onClick={() => {
              applyTheme(next);
              setTheme(next);
            }}
          >
            {next === 'dark' ? 'Dark' : 'Light'} theme
          </button>
          <span class="whoami">
            <span class="whoami-name">{user.name ?? user.username ?? user.pseudonym}</span> <span class="role">{user.role}</span>
          </span>
          <button type="button" onClick={() => session.signOut('Signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="main-nav" class={`nav${menuOpen ? ' nav-open' : ''}`} aria-label="Main">
        {GROUPS.map((group) => {
          const items = visible.filter((r) => r.group === group);
          if (items.length === 0) return null;
          return (
            <div class="nav-group" key={group}>
              <h2 class="nav-heading">{group}</h2>
              <ul>
                {items.map((r) => {
                  const target = href(r.path);
                  const current = path === target || (r.path !== '/' && path.startsWith(`${target}/`));
                  return (
                    <li key={r.path}>
                      <a href={target} aria-current={current ? 'page' : undefined}>
                        {r.title}
                      </a>
                    </li>
                  );
                })}
              </ul>
            </div>
          );
        })}
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/**
 * Light and dark themes: CSS custom properties in styles.css. "system" follows prefers-color-scheme;
 * the toggle pins light or dark (localStorage, not a cookie) through <html data-theme>.
 */
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'mymonit.theme';

export function storedTheme(): Theme {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme): void {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', theme);
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // storage refused: the choice lasts for this page only
  }
}

/** The theme in effect (what "system" resolves to now). */
export function effectiveTheme(theme: Theme): 'light' | 'dark' {
  if (theme !== 'system') return theme;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/** The page's <h1> and document title ("Alerts · MyMONIT"). */
export function PageTitle({ title, children }: { title: string; children?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · MyMONIT`;
  }, [title]);
  return (
    <div class="page-title">
      <h1>{title}</h1>
      {children}
    </div>
  );
}

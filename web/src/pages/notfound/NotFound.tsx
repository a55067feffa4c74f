import { PageTitle } from '../../components/PageTitle';
import { href } from '../../routes';

export default function NotFound() {
  return (
    <>
      <PageTitle title="Page not found" />
      <p>
        No page here. <a href={href('/')}>Back to the overview</a>.
      </p>
    </>
  );
}

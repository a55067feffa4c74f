import { PageTitle } from '../../components/PageTitle';
import { href } from '../../routes';

export default function NotAllowed() {
  return (
    <>
      <PageTitle title="Not allowed" />
      <p>
        Your role may not open this page. <a href={href('/')}>Back to the overview</a>.
      </p>
    </>
  );
}

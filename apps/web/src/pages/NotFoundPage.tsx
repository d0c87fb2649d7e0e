import { Link } from "react-router";
import { buttonClass } from "../components/ui/Button.tsx";

export function NotFoundPage() {
  return (
    <div className="mx-auto max-w-xl p-6 text-center">
      <h1 className="text-xl font-semibold">Nothing lives at this address.</h1>
      <Link to="/paas/apps" className={buttonClass("secondary", "mt-4")}>
        Go to your apps
      </Link>
    </div>
  );
}

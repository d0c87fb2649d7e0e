import { type FormEvent, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { Button } from "../components/ui/Button.tsx";
import { Field } from "../components/ui/Field.tsx";
import { LoadingBlock } from "../components/ui/Skeleton.tsx";
import { useLogin, useSession } from "../hooks/useSession.ts";
import { errorMessage } from "../lib/trpc.ts";
import { AuthCard } from "./AuthCard.tsx";

export default function LoginPage() {
  const session = useSession();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const from = (location.state as { from?: string } | null)?.from ?? "/paas/apps";

  if (session.isPending) return <LoadingBlock label="Checking your session…" />;
  if (session.data?.needsSetup) return <Navigate to="/setup" replace />;
  if (session.data?.user && !login.isPending) return <Navigate to={from} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ email, password }, { onSuccess: () => navigate(from, { replace: true }) });
  }

  return (
    <AuthCard title="Log in">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {login.isError && (
          <p role="alert" className="text-sm text-red-700" data-testid="login-error">
            {errorMessage(login.error)}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={login.isPending || !email || !password}>
          {login.isPending ? "Logging in…" : "Log in"}
        </Button>
      </form>
    </AuthCard>
  );
}

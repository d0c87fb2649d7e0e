import { type FormEvent, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { CodeField } from "../components/account/CodeField.tsx";
import { Button } from "../components/ui/Button.tsx";
import { Field } from "../components/ui/Field.tsx";
import { LoadingBlock } from "../components/ui/Skeleton.tsx";
import { useLoginWithCode } from "../hooks/useMfa.ts";
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
  // Set when the password was right and the account asks for a second factor.
  const [challenge, setChallenge] = useState<string | null>(null);
  const from = (location.state as { from?: string } | null)?.from ?? "/paas/apps";

  if (session.isPending) return <LoadingBlock label="Checking your session…" />;
  if (session.data?.needsSetup) return <Navigate to="/setup" replace />;
  if (session.data?.user && !login.isPending) return <Navigate to={from} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate(
      { email, password },
      {
        onSuccess: (result) => {
          if (result.mfaRequired) setChallenge(result.challenge);
          else navigate(from, { replace: true });
        },
      },
    );
  }

  if (challenge) {
    return (
      <CodeStep
        challenge={challenge}
        onDone={() => navigate(from, { replace: true })}
        onRestart={() => {
          setChallenge(null);
          setPassword("");
          login.reset();
        }}
      />
    );
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

/** The second step for an account with multi-factor sign-in: one code, or a recovery code. */
function CodeStep({ challenge, onDone, onRestart }: { challenge: string; onDone: () => void; onRestart: () => void }) {
  const loginWithCode = useLoginWithCode();
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState("");
  const expired = loginWithCode.error?.data?.code === "UNAUTHORIZED" && /expired|password again/.test(loginWithCode.error.message);

  function submit(event: FormEvent) {
    event.preventDefault();
    loginWithCode.mutate({ challenge, code: code.trim() }, { onSuccess: onDone });
  }

  return (
    <AuthCard
      title="Enter your code"
      intro={
        recovery
          ? "Enter one of your recovery codes. Each works once."
          : "Open your authenticator app and enter the 6-digit code for SkyPanel."
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <CodeField
          key={recovery ? "recovery" : "totp"}
          label={recovery ? "Recovery code" : "Code"}
          recovery={recovery}
          autoFocus
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
        {loginWithCode.isError && (
          <p role="alert" className="text-sm text-red-700" data-testid="login-error">
            {errorMessage(loginWithCode.error)}
          </p>
        )}
        {expired ? (
          <Button variant="primary" className="w-full" onClick={onRestart}>
            Log in again
          </Button>
        ) : (
          <Button type="submit" variant="primary" className="w-full" disabled={loginWithCode.isPending || !code.trim()}>
            {loginWithCode.isPending ? "Checking…" : "Verify"}
          </Button>
        )}
        <Button
          className="w-full"
          onClick={() => {
            setRecovery(!recovery);
            setCode("");
          }}
        >
          {recovery ? "Use a code from the app" : "Use a recovery code"}
        </Button>
      </form>
    </AuthCard>
  );
}

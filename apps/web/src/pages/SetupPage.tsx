import { type FormEvent, useState } from "react";
import { Navigate, useNavigate } from "react-router";
import { Button } from "../components/ui/Button.tsx";
import { Field } from "../components/ui/Field.tsx";
import { LoadingBlock } from "../components/ui/Skeleton.tsx";
import { useSession, useSetup } from "../hooks/useSession.ts";
import { errorMessage } from "../lib/trpc.ts";
import { AuthCard } from "./AuthCard.tsx";

/** The first visit to a fresh platform: create the administrator, who is then logged in. */
export default function SetupPage() {
  const session = useSession();
  const setup = useSetup();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  if (session.isPending) return <LoadingBlock label="Checking the platform…" />;
  if (session.data && !session.data.needsSetup && !setup.isPending) {
    return <Navigate to={session.data.user ? "/paas/apps" : "/login"} replace />;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setup.mutate(
      { email, password, ...(name.trim() ? { name: name.trim() } : {}) },
      { onSuccess: () => navigate("/paas/apps", { replace: true }) },
    );
  }

  return (
    <AuthCard title="Set up SkyPanel" intro="Create the first administrator. You can invite others afterwards.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <Field label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <Field label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 8 characters."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {setup.isError && (
          <p role="alert" className="text-sm text-red-700">
            {errorMessage(setup.error)}
          </p>
        )}
        <Button type="submit" variant="primary" className="w-full" disabled={setup.isPending || !email || !password}>
          {setup.isPending ? "Creating…" : "Create administrator"}
        </Button>
      </form>
    </AuthCard>
  );
}

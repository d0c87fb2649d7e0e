import { type FormEvent, useState } from "react";
import {
  type AlertChannel,
  useAddAlertChannel,
  useAlertChannels,
  useRemoveAlertChannel,
  useTestAlertChannel,
} from "../../../hooks/useAlerts.ts";
import { errorMessage } from "../../../lib/trpc.ts";
import { Button } from "../../ui/Button.tsx";
import { ErrorNotice } from "../../ui/ErrorNotice.tsx";
import { Field, SelectField } from "../../ui/Field.tsx";
import { LoadingBlock } from "../../ui/Skeleton.tsx";
import { type AppDetail, can } from "../types.ts";

const TYPE_WORD = { webhook: "Webhook (signed JSON)", slack: "Slack-compatible webhook", email: "Email" } as const;
type ChannelType = keyof typeof TYPE_WORD;

/** The team's channels; admins add, test and remove them. */
export function AlertChannels({ app }: { app: AppDetail }) {
  const channels = useAlertChannels(app.teamId);
  // Channels are the team's, shared by its apps: changing them is an admin's.
  const manage = can.delete(app.role);
  if (channels.isPending) return <LoadingBlock label="Loading the channels…" rows={1} />;
  if (channels.isError)
    return <ErrorNotice title="The channels could not be loaded." error={channels.error} onRetry={() => channels.refetch()} />;
  return (
    <div className="space-y-4">
      {channels.data.length === 0 ? (
        <p className="text-sm text-slate-600">No channels yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Notification channels">
          {channels.data.map((c) => (
            <ChannelRow key={c.id} team={app.teamId} channel={c} manage={manage} />
          ))}
        </ul>
      )}
      {manage ? (
        <AddChannelForm team={app.teamId} />
      ) : (
        <p className="text-sm text-slate-600">Your role ({app.role}) cannot change the team's channels; an admin can.</p>
      )}
    </div>
  );
}

function ChannelRow({ team, channel: c, manage }: { team: string; channel: AlertChannel; manage: boolean }) {
  const test = useTestAlertChannel();
  const remove = useRemoveAlertChannel(team);
  return (
    <li className="flex flex-wrap items-start justify-between gap-3 py-3" data-testid="alert-channel">
      <div className="min-w-0 text-sm">
        <p className="font-medium text-slate-900">{c.name}</p>
        <p className="break-all text-slate-600">
          {TYPE_WORD[c.type]} · {c.summary}
        </p>
        {test.data && (
          <p role="status" className={test.data.ok ? "text-emerald-700" : "break-words text-red-700"}>
            {test.data.ok
              ? `The test notification was delivered${test.data.attempts > 1 ? ` after ${test.data.attempts} attempts` : ""}.`
              : `The test notification failed: ${test.data.error ?? "no answer"}`}
          </p>
        )}
      </div>
      {manage && (
        <div className="flex gap-2">
          <Button
            variant="secondary"
            aria-label={`Send a test notification to ${c.name}`}
            disabled={test.isPending}
            onClick={() => test.mutate({ team, id: c.id })}
          >
            {test.isPending ? "Sending…" : "Send test"}
          </Button>
          <Button
            variant="dangerGhost"
            aria-label={`Remove the channel ${c.name}`}
            disabled={remove.isPending}
            onClick={() => remove.mutate({ team, id: c.id })}
          >
            Remove
          </Button>
        </div>
      )}
    </li>
  );
}

function AddChannelForm({ team }: { team: string }) {
  const [type, setType] = useState<ChannelType>("webhook");
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [to, setTo] = useState("");
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const add = useAddAlertChannel(team);

  function submit(event: FormEvent) {
    event.preventDefault();
    const target =
      type === "email"
        ? {
            to: to
              .split(/[,\s]+/)
              .map((a) => a.trim())
              .filter(Boolean),
          }
        : { url: url.trim() };
    add.mutate(
      { team, type, name: name.trim(), ...target },
      {
        onSuccess: (made) => {
          setSecret(made.signingSecret ? { name: made.name, value: made.signingSecret } : null);
          setName("");
          setUrl("");
          setTo("");
        },
      },
    );
  }

  return (
    <div className="space-y-3">
      {secret && (
        <div
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
          data-testid="signing-secret"
        >
          <p>
            The signing secret of {secret.name}, shown this once. Receivers check <code>X-SkyPanel-Signature</code> (HMAC-SHA256 of
            "timestamp.body") with it:
          </p>
          <code className="mt-1 block break-all font-mono">{secret.value}</code>
        </div>
      )}
      <form
        onSubmit={submit}
        aria-label="Add a notification channel"
        className="flex flex-wrap items-end gap-3 rounded-md border border-slate-200 p-3"
      >
        <SelectField label="Type" className="min-w-56" value={type} onChange={(e) => setType(e.target.value as ChannelType)}>
          {(Object.keys(TYPE_WORD) as ChannelType[]).map((t) => (
            <option key={t} value={t}>
              {TYPE_WORD[t]}
            </option>
          ))}
        </SelectField>
        <Field label="Name" className="w-48" required maxLength={64} value={name} onChange={(e) => setName(e.target.value)} />
        {type === "email" ? (
          <Field
            label="Recipients"
            hint="Up to 10 addresses, separated by commas."
            className="min-w-64 flex-1"
            required
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
        ) : (
          <Field
            label={type === "slack" ? "Incoming webhook URL" : "URL"}
            className="min-w-64 flex-1"
            type="url"
            required
            placeholder="https://"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        )}
        <Button type="submit" variant="primary" disabled={add.isPending}>
          {add.isPending ? "Adding…" : "Add channel"}
        </Button>
        {add.isError && (
          <p role="alert" className="w-full text-sm text-red-700">
            {errorMessage(add.error)}
          </p>
        )}
      </form>
    </div>
  );
}

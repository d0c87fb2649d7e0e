// The raw operation beside `GET /api/apps`: node:http and postgres.js answering with the same
// statement (page and total in one, prepared) and the same JSON fields, without the platform's
// framework, authentication, metrics or headers. What a list request costs when nothing but the
// work itself is done; the app-list bench measures it in the same run as the platform's rows.
// `DATABASE_URL=… node bench/app-list-raw-server.mjs PORT USER_ID`
import { createServer } from "node:http";
import postgres from "postgres";

const sql = postgres(process.env.DATABASE_URL, { max: 10, onnotice: () => {} });
const [port, userId] = process.argv.slice(2);

const server = createServer(async (_req, res) => {
  try {
    const rows = await sql`
      select a.id, a.name, a.description, a.stack, a.root_directory, a.status, a.team_id, t.name as team_name,
             a.current_release_id, a.created_at, a.updated_at,
             (select count(*) from applications c
              where c.team_id in (select team_id from memberships where user_id = ${userId})) as total
      from applications a join teams t on t.id = a.team_id
      where a.team_id in (select team_id from memberships where user_id = ${userId})
      order by a.name asc limit ${20} offset ${0}`;
    const apps = rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      stack: r.stack,
      rootDirectory: r.root_directory,
      status: r.status,
      teamId: r.team_id,
      teamName: r.team_name,
      currentReleaseId: r.current_release_id,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
    const body = JSON.stringify({ apps, total: Number(rows[0]?.total ?? 0), page: 1, perPage: 20 });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  } catch (err) {
    res.writeHead(500);
    res.end(String(err));
  }
});
server.listen(Number(port), "127.0.0.1", () => process.send?.("listening"));
process.on("SIGTERM", () => server.close(() => sql.end().then(() => process.exit(0))));

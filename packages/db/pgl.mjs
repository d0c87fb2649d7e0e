import { PGlite } from '@electric-sql/pglite';
let t=Date.now();
const pg = new PGlite(); await pg.waitReady; console.log('ready', Date.now()-t);
t=Date.now(); const pg2 = new PGlite(); await pg2.waitReady; console.log('ready2', Date.now()-t);
t=Date.now(); const c = await pg.clone(); console.log('clone', Date.now()-t);

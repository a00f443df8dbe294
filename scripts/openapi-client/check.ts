// Run by scripts/openapi-client-check.sh against a client generated from /v3/api-docs.
declare const process: any;
import { OpenAPI, JobsService, JobTypesService, NodesService, ApiError } from './client';

OpenAPI.BASE = process.env.BASE ?? 'http://localhost:8080';
OpenAPI.TOKEN = process.env.KEY!;

function check(ok: boolean, what: string) {
  if (!ok) throw new Error('check failed: ' + what);
  console.log('ok  ' + what);
}

async function main() {
  const id = 'generated-client-' + Date.now();
  const created = await JobsService.createJob({
    type: 'log', id, payload: { message: 'from a generated client' },
    schedule: { cron: '0 0 9 * * MON-FRI', timeZone: 'Europe/Oslo' },
  });
  check(created.id === id && created.state === 'SCHEDULED', 'createJob ' + created.nextRunAt);
  const read = await JobsService.getJob(id);
  check(read.schedule?.cron === '0 0 9 * * MON-FRI' && read.createdBy !== undefined, 'getJob');
  const page = await JobsService.listJobs('log', undefined, 'SCHEDULED', undefined, 10);
  check(page.items.some(j => j.id === id), 'listJobs');
  check((await JobsService.pauseJob(id)).state === 'PAUSED', 'pauseJob');
  check((await JobsService.resumeJob(id)).state === 'SCHEDULED', 'resumeJob');
  check((await JobsService.cancelJob(id)).state === 'CANCELLED', 'cancelJob');
  check((await JobTypesService.listJobTypes()).some(t => t.name === 'log'), 'listJobTypes');
  check(Array.isArray(await NodesService.listNodes()), 'listNodes');
  try {
    await JobsService.createJob({ type: 'log', payload: {} });
    check(false, 'an invalid job is refused');
  } catch (e) {
    const err = e as ApiError;
    check(err.status === 400 && err.body?.field === 'payload.message', 'problem ' + JSON.stringify(err.body));
  }
}
main().catch(e => { console.error('FAILED', e); process.exit(1); });

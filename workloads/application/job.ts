// `job` and `cronjob` applications: bounded runs (retries, deadline, cleanup), never overlapping.
import type * as Input from "@pulumi/kubernetes/types/input";
import type { ApplicationSpec } from "../../lib/config/applications";
import { fail, labelsOf, metadataOf, type BuildContext, type CronJobObject, type JobObject } from "./manifest";
import { podTemplate } from "./pod";

export function jobSpec(app: ApplicationSpec, ctx: BuildContext): Input.batch.v1.JobSpec {
    return {
        backoffLimit: app.job.backoffLimit,
        activeDeadlineSeconds: app.job.activeDeadlineSeconds,
        parallelism: app.job.parallelism,
        completions: app.job.completions,
        template: podTemplate(app, ctx),
    };
}

export function jobManifest(app: ApplicationSpec, ctx: BuildContext): JobObject {
    return { apiVersion: "batch/v1", kind: "Job", metadata: metadataOf(app), spec: { ...jobSpec(app, ctx), ttlSecondsAfterFinished: app.job.ttlSecondsAfterFinished } };
}

export function cronJobManifest(app: ApplicationSpec, ctx: BuildContext): CronJobObject {
    const cron = app.cronjob ?? fail(app, "a cronjob needs a cronjob.schedule");
    return {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: metadataOf(app),
        spec: {
            schedule: cron.schedule,
            timeZone: cron.timeZone,
            concurrencyPolicy: cron.concurrencyPolicy,
            startingDeadlineSeconds: cron.startingDeadlineSeconds,
            successfulJobsHistoryLimit: cron.successfulJobsHistoryLimit,
            failedJobsHistoryLimit: cron.failedJobsHistoryLimit,
            // The history limits clean up finished runs (a TTL would delete them under the limits).
            jobTemplate: { metadata: { labels: labelsOf(app) }, spec: jobSpec(app, ctx) },
        },
    };
}

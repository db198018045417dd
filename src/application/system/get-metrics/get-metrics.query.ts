export class GetMetricsQuery {}

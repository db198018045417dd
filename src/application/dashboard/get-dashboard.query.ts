export class GetDashboardQuery {
  constructor(readonly recentEvents = 10, readonly jobs = 10) {}
}

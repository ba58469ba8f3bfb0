// Recent projects: the same store the studio's Projects home reads (src/services/recent.ts),
// kept by the desktop app in userData/recent-projects.json. No Electron import.
export { isProjectFolder, MAX_RECENT, RecentProjects } from '../src/services/recent.ts';

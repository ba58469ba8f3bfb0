// A hash router: the view a person is on survives a reload and works in both hosts
// (studio:// in Electron, http in browser mode).
//   #/                 the image grid
//   #/edit/<id>        the mask editor on image <id>
//   #/compare/<id>     the CAM methods side by side for image <id>
//   #/projects         the Projects home (also what shows while no project is open)
export type Route = { view: 'images' } | { view: 'editor'; id: number } | { view: 'compare'; id: number } | { view: 'home' };

export function parseRoute(hash: string): Route {
  if (hash === '#/projects') return { view: 'home' };
  const m = /^#\/(edit|compare)\/(\d+)$/.exec(hash);
  if (m) {
    const id = Number(m[2]);
    if (Number.isSafeInteger(id) && id > 0) return { view: m[1] === 'edit' ? 'editor' : 'compare', id };
  }
  return { view: 'images' };
}

export function formatRoute(r: Route): string {
  if (r.view === 'editor') return `#/edit/${r.id}`;
  if (r.view === 'compare') return `#/compare/${r.id}`;
  if (r.view === 'home') return '#/projects';
  return '#/';
}

export class Router {
  route = $state.raw<Route>(parseRoute(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseRoute(location.hash);
    });
  }

  /** `replace`: moving between images in the editor should not pile up history entries. */
  go(r: Route, replace = false): void {
    const h = formatRoute(r);
    if (location.hash !== h) {
      if (replace) history.replaceState(null, '', h);
      else history.pushState(null, '', h);
    }
    this.route = r;
  }
}

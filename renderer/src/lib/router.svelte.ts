// A hash router: the view a person is on survives a reload and works in both hosts
// (studio:// in Electron, http in browser mode). Later views (the mask editor) add their
// routes to `Route` and `parse`.
export type Route = { view: 'images' };

function parse(_hash: string): Route {
  return { view: 'images' };
}

function format(r: Route): string {
  return r.view === 'images' ? '#/' : '#/';
}

export class Router {
  route = $state.raw<Route>(parse(location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parse(location.hash);
    });
  }

  go(r: Route): void {
    const h = format(r);
    if (location.hash !== h) history.pushState(null, '', h);
    this.route = r;
  }
}

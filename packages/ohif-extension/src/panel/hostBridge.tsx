import React from 'react';
import { createRoot, type Root } from 'react-dom/client';

/**
 * The OHIF app renders panels with its own React and exposes none to plugins, so a plugin's panel
 * cannot use the host's hooks. This component is what the host renders: a class component
 * (recognised by any React through `prototype.isReactComponent`) that renders one empty div and
 * mounts the plugin's own React root into it, never re-rendering from the host's side.
 */
export function hostedComponent(render: () => React.ReactNode): React.ComponentType {
  return class HostedPanel extends React.Component {
    private readonly container = React.createRef<HTMLDivElement>();
    private root: Root | undefined;

    override componentDidMount(): void {
      if (!this.container.current) return;
      this.root = createRoot(this.container.current);
      this.root.render(render());
    }

    override shouldComponentUpdate(): boolean {
      return false;
    }

    override componentWillUnmount(): void {
      const root = this.root;
      this.root = undefined;
      // Unmount after the host's commit, not during it.
      queueMicrotask(() => root?.unmount());
    }

    override render(): React.ReactNode {
      return <div ref={this.container} style={{ height: '100%', overflowY: 'auto' }} />;
    }
  };
}

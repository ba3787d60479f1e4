import { render } from 'solid-js/web';
import { createApiClient } from './api.ts';
import { App } from './App.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element to render into');

render(() => <App api={createApiClient({ baseUrl: '' })} />, root);

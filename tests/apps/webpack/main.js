import { Engine, version } from 'clientseg';
import rules from 'clientseg/rules/internet-branch.json';
import { show } from '../show.js';

show('webpack', { Engine, version }, rules);

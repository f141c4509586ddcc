/** Every domain registers its record processors and tasks here (one import each). */
import './collections/index.js';
import './invoices/index.js';
import './xml/index.js';
import './entegra/index.js';
import './bitrix/index.js';
import './catalog/index.js';
import './stock/index.js';

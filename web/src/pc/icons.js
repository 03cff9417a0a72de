// Icons the PC menu may name (menu.js `icon`). Add an import when a menu entry needs one.
import {
  House, Setting, InfoFilled, Lock, UserFilled, Search, Tools, OfficeBuilding, User, Key, Switch,
  ChatLineSquare, ChatDotSquare, Document, Plus, Upload,
} from '@element-plus/icons-vue'

export const menuIcons = {
  House, Setting, InfoFilled, Lock, UserFilled, Search, Tools, OfficeBuilding, User, Key, Switch,
  ChatLineSquare, ChatDotSquare, Document, Plus, Upload,
}

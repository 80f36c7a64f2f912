import QtQuick
import QtQuick.Controls

// A touch target of at least Theme.minTouch in both directions.
Button {
    id: control
    property bool primary: false
    property bool selected: false
    property int pixelSize: Theme.fontBody
    implicitHeight: Math.max(Theme.minTouch, contentItem.implicitHeight + 24)
    implicitWidth: Math.max(Theme.minTouch * 2, contentItem.implicitWidth + 48)
    font.family: Theme.fontFamily
    font.pixelSize: pixelSize
    contentItem: Text {
        text: control.text
        font: control.font
        color: !control.enabled ? Theme.disabled
               : (control.primary || control.selected) ? Theme.onPrimary : Theme.primary
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.Wrap
    }
    background: Rectangle {
        radius: Theme.radius
        color: (control.primary || control.selected) && control.enabled
               ? (control.down ? Qt.darker(Theme.primary, 1.2) : Theme.primary)
               : (control.down ? Theme.border : Theme.surface)
        border.width: Theme.borderWidth
        border.color: control.enabled ? Theme.primary : Theme.disabled
    }
}

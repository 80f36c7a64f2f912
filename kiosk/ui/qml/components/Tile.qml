import QtQuick

// A large tile: a title, an optional subtitle, greyed out with a reason when disabled.
Rectangle {
    id: tile
    property string title
    property string subtitle
    property string reason
    property bool available: true
    signal tapped()
    implicitHeight: Math.max(Theme.minTouch * 1.6, column.implicitHeight + 32)
    radius: Theme.radius
    color: area.pressed && tile.available ? Theme.border : Theme.surface
    border.width: Theme.borderWidth
    border.color: tile.available ? Theme.primary : Theme.disabled
    Column {
        id: column
        anchors.fill: parent
        anchors.margins: 16
        spacing: 6
        KText {
            width: parent.width
            text: tile.title
            font.pixelSize: Theme.fontBody
            font.bold: true
            color: tile.available ? Theme.text : Theme.disabled
        }
        KText {
            width: parent.width
            text: tile.subtitle
            visible: text !== ""
            font.pixelSize: Theme.fontSmall
            color: tile.available ? Theme.muted : Theme.disabled
        }
        KText {
            objectName: "reason"
            width: parent.width
            text: tile.reason
            visible: !tile.available && text !== ""
            font.pixelSize: Theme.fontSmall
            color: Theme.error
        }
    }
    MouseArea {
        id: area
        anchors.fill: parent
        enabled: tile.available
        onClicked: tile.tapped()
    }
}
